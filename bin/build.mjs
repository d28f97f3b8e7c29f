#!/usr/bin/env node
// `npm run build`: builds the respondent client, the server and the `dslkit` command once, then records them in .build/production.json for NODE_ENV=production (which never builds).
import fs from 'node:fs';
import path from 'node:path';
import { buildClient, buildServer, cliBundle, buildDir, clientIndex, manifestFile } from './build-server.mjs';

const root = path.dirname(buildDir);
const relative = (file) => path.relative(root, file).split(path.sep).join('/');
try {
  fs.rmSync(manifestFile, { force: true }); // an interrupted build leaves no manifest, so production refuses it
  process.stdout.write('Building the respondent client...\n');
  buildClient();
  const server = await buildServer();
  const cli = await cliBundle();
  const manifest = { server: relative(server), cli: relative(cli), client: relative(clientIndex), builtAt: new Date().toISOString() };
  fs.writeFileSync(`${manifestFile}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(`${manifestFile}.tmp`, manifestFile);
  process.stdout.write(`built ${manifest.client}, ${manifest.server} and ${manifest.cli}; recorded in ${relative(manifestFile)}\n`);
} catch (err) {
  process.stderr.write(`dslkit: the build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
