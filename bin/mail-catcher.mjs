#!/usr/bin/env node
// A local SMTP server for trying dslkit's sending on your own machine (npm run mail-catcher): it accepts every message on 127.0.0.1 and prints who it was for, the subject and its links. Nothing is delivered anywhere.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const port = Number(process.argv.find((a) => /^--port=\d+$/.test(a))?.slice(7) ?? 1025);
let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream).then((m) => {
      count += 1;
      const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
      const links = [...new Set((m.text ?? '').match(/https?:\/\/\S+/g) ?? [])];
      process.stdout.write(`#${count} ${new Date().toISOString()} to ${to}\n   ${m.subject ?? '(no subject)'}\n${links.map((l) => `   ${l}\n`).join('')}`);
      callback();
    }, (err) => callback(err));
  },
});
server.on('error', (err) => { process.stderr.write(`mail-catcher: ${err.message}\n`); process.exit(1); });
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`mail-catcher: accepting mail on smtp://127.0.0.1:${port} and printing it here (nothing is delivered).\n`
    + `Start dslkit with: DSLKIT_SMTP_URL=smtp://127.0.0.1:${port} DSLKIT_MAIL_FROM="DSL study <study@example.invalid>" npm start\n`);
});
