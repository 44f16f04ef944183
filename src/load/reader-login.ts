/**
 * How an analyst logs in read-only. migrate creates affiliate_reader without login (it is a group of
 * privileges: every table and view of tiktok_affiliate, nothing in etl); a login is a role of its own
 * that is a member of it, created once by whoever administers the database, with a password they
 * choose: the pipeline never makes up or stores one.
 */
import { READER_ROLE } from './post-migrate.ts';
import { quoteIdent } from './table-shape.ts';

/** Shown where the password goes in printed instructions (never a real password). */
export const PASSWORD_PLACEHOLDER = 'choose-a-password';

/** A plain lower-case name stays bare, so the statement can be pasted inside a shell's double quotes. */
function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : quoteIdent(name);
}

/** `create role <login> login password '<password>' in role affiliate_reader`. */
export function readerLoginSql(login: string, password: string = PASSWORD_PLACEHOLDER): string {
  return `create role ${ident(login)} login password '${password.replaceAll("'", "''")}' in role ${ident(READER_ROLE)}`;
}
