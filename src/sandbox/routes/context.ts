/**
 * What every endpoint handler receives and returns.
 */
import type { ByteWriter } from '../byte-writer.ts';
import type { AssetModel, ShopModel } from '../data/model.ts';
import type { OrderPager } from '../data/order-source.ts';
import type { World } from '../data/world.ts';
import type { EndpointId } from '../endpoints.ts';
import type { PageTokenCodec } from '../page-token.ts';
import type { SandboxQuirks } from '../quirks.ts';
import type { AccountKind, Principal } from '../tokens.ts';

export type CipherRule = 'shop_required' | 'shop_optional' | 'asset_required' | 'none';
export type Family = 'seller' | 'creator' | 'partner';

export interface HandlerContext {
  world: World;
  nowMs: number;
  nowS: number;
  query: URLSearchParams;
  body: Record<string, unknown>;
  params: Record<string, string>;
  principal: Principal;
  shop: ShopModel | null;
  asset: AssetModel | null;
  codec: PageTokenCodec;
  pager: OrderPager;
  family: Family;
  endpoint: EndpointId;
  /** Response bytes so far (the envelope prefix); hot-path handlers append `data` here. */
  out: ByteWriter;
  /** Fault: treat any page_token of this request as expired. */
  pageTokenExpired: boolean;
  /** The ambiguity switches in force for this request. */
  quirks: SandboxQuirks;
}

/**
 * A handler's data: objects (with the records that schema-drift faults may alter), or, on the
 * order hot path, `written`: the UTF-8 JSON of `data` was appended to `ctx.out` (after the
 * envelope prefix), with the name of its record list.
 */
export type HandlerResult =
  | { data: Record<string, unknown>; records: Record<string, unknown>[] }
  | { written: true; listKey: string; records: number; lines: number };

export interface RouteDef {
  id: EndpointId;
  method: 'GET' | 'POST';
  /** Path pattern with `{param}` segments, e.g. /affiliate_partner/202405/campaigns/{campaign_id}. */
  path: string;
  kind: AccountKind;
  cipher: CipherRule;
  /** Required scope key (docs/tiktok-api.md#scope-keys), or null when none is checked. */
  scope: string | null;
  family: Family;
  handler: (ctx: HandlerContext) => HandlerResult;
}
