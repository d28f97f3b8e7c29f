// `dslkit user add|assign|unassign|role|disable|enable|reset-password|list`: staff accounts (scrypt-hashed passwords), supervisor school assignments; every change audited and ending the account's sessions.
import fs from 'node:fs';
import type { CliCommand } from '../command';
import { UsageError, listOption, requiredString, stringOption, flag } from '../command';
import { isRole } from '../../domain/auth/roles';
import { checkPasswordRules, generatePassword, hashPassword } from '../../domain/auth/password';
import { assignSchools, changeRole, createUser, findUserByEmail, listUsers, setDisabled, setPasswordHash, unassignSchools } from '../../storage/user-repo';
import { NotFoundError } from '../../../shared/errors';

export const command: CliCommand = {
  name: 'user',
  summary: 'add staff accounts, assign or remove supervisors\' schools, change roles, disable, re-enable, reset passwords, list accounts',
  usage: 'user add --email <e> --name <n> --role admin|evaluator|supervisor|la_officer [--la <code>] [--password-stdin]\n       user assign|unassign --email <e> --trial <id> --urn <urn> [--urn <urn> ...]\n       user role --email <e> --role <role> [--la <code>]\n       user disable|enable --email <e>\n       user reset-password --email <e> [--password-stdin]\n       user list',
  description: 'Without --password-stdin a random password is generated and printed once (add, reset-password). Every change is written to the audit log, and every change to an existing account (role, schools, disable, enable, password) ends its sessions. A disabled account cannot sign in; the last active administrator cannot be disabled.',
  options: [
    { name: 'email', type: 'string', valueName: '<email>', description: 'account email (sign-in name)' },
    { name: 'name', type: 'string', valueName: '<name>', description: 'full name shown on pages' },
    { name: 'role', type: 'string', valueName: '<role>', description: 'admin, evaluator, supervisor or la_officer' },
    { name: 'la', type: 'string', valueName: '<code>', description: 'LA code (la_officer only)' },
    { name: 'password-stdin', type: 'boolean', description: 'read the password from standard input' },
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id (assign)' },
    { name: 'urn', type: 'string', valueName: '<urn>', multiple: true, description: 'school URN to assign (assign)' },
  ],
  usesDb: true,
  async run(ctx) {
    const [sub] = ctx.positionals;
    const at = ctx.clock().toISOString();
    const by = { actor: ctx.actor, at };
    if (sub === 'list') {
      const db = ctx.openDb();
      for (const u of listUsers(db)) ctx.io.stdout(`${u.id}\t${u.email}\t${u.role}${u.laCode ? ` (LA ${u.laCode})` : ''}\t${u.name}${u.disabled ? '\tdisabled' : ''}\n`);
      return 0;
    }
    const email = requiredString(ctx, 'email').toLowerCase();
    if (sub === 'add') {
      const name = requiredString(ctx, 'name');
      const role = requiredString(ctx, 'role');
      if (!isRole(role)) throw new UsageError(`--role "${role}" must be admin, evaluator, supervisor or la_officer`);
      let password: string;
      let generated = false;
      if (flag(ctx, 'password-stdin')) password = fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
      else { password = generatePassword(); generated = true; }
      checkPasswordRules(password);
      const db = ctx.openDb();
      const u = createUser(db, { email, name, role, laCode: stringOption(ctx, 'la') ?? null, passwordHash: await hashPassword(password) }, by);
      ctx.io.stdout(`added ${u.role} ${u.email} (id ${u.id})\n`);
      if (generated) ctx.io.stdout(`password (shown once): ${password}\n`);
      return 0;
    }
    const db = ctx.openDb();
    const user = findUserByEmail(db, email);
    if (!user) throw new NotFoundError(`no account for ${email} (dslkit user list shows the accounts)`);
    if (sub === 'assign') {
      const trial = requiredString(ctx, 'trial');
      const urns = listOption(ctx, 'urn').map((u) => { if (!/^\d+$/.test(u)) throw new UsageError(`--urn "${u}" must be a whole number`); return Number(u); });
      if (!urns.length) throw new UsageError('give at least one --urn');
      assignSchools(db, user.id, trial, urns, by);
      ctx.io.stdout(`assigned ${urns.length} school(s) in ${trial} to ${email}\n`);
      return 0;
    }
    if (sub === 'unassign') {
      const trial = requiredString(ctx, 'trial');
      const urns = listOption(ctx, 'urn').map((u) => { if (!/^\d+$/.test(u)) throw new UsageError(`--urn "${u}" must be a whole number`); return Number(u); });
      if (!urns.length) throw new UsageError('give at least one --urn');
      unassignSchools(db, user.id, trial, urns, by);
      ctx.io.stdout(`removed ${urns.length} school(s) in ${trial} from ${email}; their sessions were ended\n`);
      return 0;
    }
    if (sub === 'disable' || sub === 'enable') {
      setDisabled(db, user.id, sub === 'disable', by);
      ctx.io.stdout(sub === 'disable' ? `${email} is disabled; their sessions were ended and they cannot sign in\n` : `${email} is active again\n`);
      return 0;
    }
    if (sub === 'reset-password') {
      const fromStdin = flag(ctx, 'password-stdin');
      const password = fromStdin ? fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '') : generatePassword();
      checkPasswordRules(password);
      setPasswordHash(db, user.id, await hashPassword(password), by);
      ctx.io.stdout(`${email} has a new password; their sessions were ended\n`);
      if (!fromStdin) ctx.io.stdout(`password (shown once): ${password}\n`);
      return 0;
    }
    if (sub === 'role') {
      const role = requiredString(ctx, 'role');
      if (!isRole(role)) throw new UsageError(`--role "${role}" must be admin, evaluator, supervisor or la_officer`);
      changeRole(db, user.id, role, role === 'la_officer' ? requiredString(ctx, 'la') : null, by);
      ctx.io.stdout(`${email} is now ${role}; their sessions were ended\n`);
      return 0;
    }
    throw new UsageError('say add, assign, unassign, role, disable, enable, reset-password or list');
  },
};
