/**
 * The analysts' views (docs/warehouse.md#views, names fixed). Each is a SELECT body plus its
 * documentation; migrate (the loader's post-migrate step) drops and re-creates them in this order,
 * applies COMMENT ON from `doc`, and grants them to affiliate_reader with the rest of tiktok_affiliate.
 */
import type { RelationDoc } from './docs.ts';
import {
  streamFreshnessDoc,
  streamFreshnessSql,
  streamFreshnessSupportSql,
} from './analytics-view-freshness.ts';
import {
  campaignFulfillmentSummaryDoc,
  campaignFulfillmentSummarySql,
} from './analytics-view-fulfillment.ts';
import {
  partnerCampaignOrdersMonthlyDoc,
  partnerCampaignOrdersMonthlySql,
} from './analytics-view-partner-orders.ts';
import {
  currentOpenCollaborationProductsDoc,
  currentOpenCollaborationProductsSql,
} from './analytics-view-open-products.ts';
import { creatorInvitationsDoc, creatorInvitationsSql } from './analytics-view-creator-invitations.ts';
import { ownerFreshnessDoc, ownerFreshnessSql } from './analytics-view-owner-freshness.ts';
import { creatorPerformanceDailyDoc, creatorPerformanceDailySql } from './analytics-view-performance.ts';
import { ANALYTICS_SCHEMA } from './analytics-schema.ts';

export interface AnalyticsView {
  schema: string;
  name: string;
  /** The SELECT body: `create view <schema>.<name> as <sql>`. */
  sql: string;
  doc: RelationDoc;
}

function view(sql: string, doc: RelationDoc): AnalyticsView {
  return { schema: ANALYTICS_SCHEMA, name: doc.name, sql: sql.trim(), doc };
}

export const views: AnalyticsView[] = [
  view(streamFreshnessSql, streamFreshnessDoc),
  view(creatorPerformanceDailySql, creatorPerformanceDailyDoc),
  view(campaignFulfillmentSummarySql, campaignFulfillmentSummaryDoc),
  view(partnerCampaignOrdersMonthlySql, partnerCampaignOrdersMonthlyDoc),
  view(ownerFreshnessSql, ownerFreshnessDoc),
  view(currentOpenCollaborationProductsSql, currentOpenCollaborationProductsDoc),
  view(creatorInvitationsSql, creatorInvitationsDoc),
];

/** Helper functions the views call, created (or replaced) before the views. */
export const viewFunctions: string[] = [streamFreshnessSupportSql.trim()];

export const viewDocs: RelationDoc[] = views.map((v) => v.doc);
