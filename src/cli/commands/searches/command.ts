/**
 * `affiliate-etl searches add|list|remove`: the saved marketplace searches that the
 * open_collaboration_products (seller) and creator_open_collaboration_products (creator) streams
 * snapshot, per connection (etl.saved_searches). The
 * criteria are stored with the API's own body field names (docs/tiktok-api.md#open-collaboration-product-search), so what is stored is
 * exactly what is sent. Without any saved search the stream syncs a default one (all products).
 */
import { Argument, type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../../context.ts';
import { collect, parseConnectionId, parseText } from '../../common/args.ts';
import type { SearchInput } from './run.ts';

const HELP = `
Criteria (all optional, AND-combined; docs/tiktok-api.md#open-collaboration-product-search): --keyword (repeatable, up to 20), --price-min /
--price-max (decimal, the product's sales price), --category (first-level category id),
--commission-min / --commission-max (percent, e.g. 12.5), or the raw request body with --criteria.

Examples:
  $ affiliate-etl searches add --connection 1 --name "beauty 10%+" --category 601450 --commission-min 10
  $ affiliate-etl searches add --connection 1 --name "phone cases" --keyword phone --keyword case --price-max 20
  $ affiliate-etl searches list
  $ affiliate-etl searches remove 1:phone-cases`;

export function registerSearches(program: Command, ctx: CliContext): void {
  const searches = program
    .command('searches')
    .description(
      'manage the saved marketplace searches synced by open_collaboration_products (seller) and creator_open_collaboration_products (creator)',
    )
    .addHelpText('after', HELP);

  searches
    .command('add')
    .description('save a marketplace product search for a seller or creator connection')
    .requiredOption('--connection <id>', 'the seller or creator connection', parseConnectionId)
    .requiredOption(
      '--name <name>',
      'a label; also makes the search id unless --id is given',
      parseText('--name'),
    )
    .option(
      '--id <search-id>',
      'search id (letters, digits, . _ : -); default: <connection>:<name-slug>',
      parseSearchId,
    )
    .option('--keyword <word>', 'title keyword (repeatable)', collect(parseText('--keyword')))
    .option('--price-min <amount>', 'minimum sales price, e.g. 9.99', parseAmount)
    .option('--price-max <amount>', 'maximum sales price (exclusive)', parseAmount)
    .option('--category <id>', 'first-level category id', parseText('--category'))
    .option('--commission-min <percent>', 'minimum commission rate in percent', parsePercent)
    .option('--commission-max <percent>', 'maximum commission rate in percent (exclusive)', parsePercent)
    .option('--criteria <json>', 'the raw request body as JSON (instead of the flags above)', parseJsonObject)
    .action(async (opts: SearchInput) => {
      const { addSearchCommand } = await import('./run.ts');
      await addSearchCommand(ctx, opts);
    });

  searches
    .command('list')
    .description('list saved searches and how many active products each holds')
    .option('--connection <id>', 'only this connection', parseConnectionId)
    .action(async (opts: { connection?: number }) => {
      const { listSearchesCommand } = await import('./run.ts');
      await listSearchesCommand(ctx, opts.connection ?? null);
    });

  searches
    .command('remove')
    .addArgument(new Argument('<search-id>', 'the id shown by `searches list`').argParser(parseSearchId))
    .description('delete a saved search (products already synced for it stay, no longer refreshed)')
    .action(async (searchId: string) => {
      const { removeSearchCommand } = await import('./run.ts');
      await removeSearchCommand(ctx, searchId);
    });
}

function parseSearchId(value: string): string {
  const id = value.trim();
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(id)) {
    throw new InvalidArgumentError(
      `"${value}" is not a search id; use 1-100 letters, digits, ".", "_", ":" or "-".`,
    );
  }
  return id;
}

/** Money stays a decimal string (never a float); docs/tiktok-api.md#open-collaboration-product-search: amounts must be > 0. */
function parseAmount(value: string): string {
  const text = value.trim();
  if (!/^\d{1,12}(\.\d{1,4})?$/.test(text) || Number(text) <= 0) {
    throw new InvalidArgumentError(`"${value}" is not an amount; use a positive decimal such as 9.99.`);
  }
  return text;
}

/** Percent -> basis points (docs/tiktok-api.md#field-conventions: 1234 = 12.34 %). */
function parsePercent(value: string): number {
  const text = value.trim().replace(/%$/, '');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || Number(text) > 100) {
    throw new InvalidArgumentError(
      `"${value}" is not a percentage; use a number from 0 to 100 with up to 2 decimals, e.g. 12.5.`,
    );
  }
  const [whole = '0', fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`--criteria is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError('--criteria must be a JSON object such as {"title_keywords":["phone"]}.');
  }
  return parsed as Record<string, unknown>;
}
