#!/usr/bin/env node
// Entry point of the `dslkit` command: in development runs the compiled command (built on first use after a source change) or the TypeScript sources through tsx if it cannot be built; with NODE_ENV=production runs the command `npm run build` made and writes nothing into the code folder.
import { pathToFileURL } from 'node:url';
import { isProduction, productionBuild, MissingBuild } from './production-build.mjs';

let compiled;
if (isProduction) {
  try { compiled = productionBuild().cli; } catch (err) {
    if (!(err instanceof MissingBuild)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
} else {
  try {
    const { cliBundle } = await import('./build-server.mjs');
    compiled = await cliBundle();
  } catch (err) {
    process.stderr.write(`dslkit: could not compile the command (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); running the TypeScript sources instead\n`);
  }
}

if (compiled) {
  await import(pathToFileURL(compiled).href); // sets process.exitCode
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('../server/cli.ts');
  process.exitCode = await runCli(process.argv.slice(2));
}
