// Child process for process-guard.test.ts: a plain Node server behind guardRequests and installProcessGuard (as server/main.ts installs them) whose routes fault in the ways the guard must survive.
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { guardRequests, installProcessGuard } from '../../server/http/request-guard';

const log = (line: string) => process.stdout.write(`${line}\n`);
installProcessGuard({ log });
const server = http.createServer(guardRequests((req, res) => {
  const path = req.url ?? '';
  if (path === '/ok') { res.end('ok'); return; }
  if (path === '/emitter-error-in-body') {
    // an emitter with no error listener fed by the body's later chunks: the class of fault busboy's file stream had
    const parser = new EventEmitter();
    req.on('data', () => parser.emit('error', new Error('Unexpected end of form')));
    return;
  }
  if (path === '/throw-in-timer') { setTimeout(() => { throw new Error('a bug in our own code'); }, 5); return; }
  if (path === '/reject-in-promise') { void Promise.resolve().then(() => new Promise((r) => setTimeout(r, 5))).then(() => { throw new Error('a rejected promise nobody awaited'); }); return; }
  if (path === '/fault-outside-requests') { res.end('scheduled'); setTimeout(() => { setImmediate.call(null, () => { throw new Error('fault in no request'); }); }, 0); return; }
  res.statusCode = 404; res.end();
}, log));
server.listen(0, '127.0.0.1', () => log(`listening ${(server.address() as { port: number }).port}`));
