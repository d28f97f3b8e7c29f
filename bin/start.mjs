#!/usr/bin/env node
// `npm start`: in development builds the respondent client when its sources are newer than the build and compiles the server, then starts it on plain Node; with NODE_ENV=production it starts the build `npm run build` made and never writes into the code folder.
import { pathToFileURL } from 'node:url';
import { isProduction, productionBuild, MissingBuild } from './production-build.mjs';

let server;
if (isProduction) {
  try { server = productionBuild().server; } catch (err) {
    if (!(err instanceof MissingBuild)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
} else {
  const { buildClient, buildServer, clientIsStale } = await import('./build-server.mjs');
  if (clientIsStale()) {
    process.stdout.write('Building the client (first start or sources changed)...\n');
    try { buildClient(); } catch { process.stderr.write('dslkit: the client build failed (see above).\n'); process.exit(1); }
  }
  server = await buildServer();
}
await import(pathToFileURL(server).href);
