// OrderFilter (the API's list filter) and the rules of its search; the store
// turns it into SQL (store/order-filter.ts).
import type { FulfillmentStatus, OrderSource, OrderStatus } from "../generated/prisma/client.js";
import { DomainRuleError } from "./rule-error.js";

export type OrderFilter = {
  status?: OrderStatus[] | null;
  paymentStatus?: string[] | null;
  fulfillmentStatus?: FulfillmentStatus[] | null;
  source?: OrderSource[] | null;
  customerEmail?: string | null;
  q?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  updatedAfter?: Date | null;
  customerIds?: string[] | null;
};

export const MAX_SEARCH_LENGTH = 200;
export const MAX_CUSTOMER_IDS = 100;

/** The customer ids to match, trimmed; at most MAX_CUSTOMER_IDS. */
export function customerIdsOf(filter: OrderFilter | null | undefined): string[] | null {
  if (!filter?.customerIds) return null;
  if (filter.customerIds.length > MAX_CUSTOMER_IDS) throw new DomainRuleError(`\`customerIds\` may hold at most ${MAX_CUSTOMER_IDS} ids.`);
  return filter.customerIds.map((id) => id.trim());
}
const MAX_SEARCH_TERMS = 5;

/** Throws DomainRuleError when the filter breaks one of its rules (as reading with it would). */
export function checkOrderFilter(filter: OrderFilter | null | undefined): void {
  searchTerms(filter?.q);
  customerIdsOf(filter);
}

/** "john smith" matches orders where each word is in the number, a name or an email. */
export function searchTerms(q: string | null | undefined): string[] {
  if (q == null) return [];
  if (q.length > MAX_SEARCH_LENGTH) throw new DomainRuleError(`\`q\` must be at most ${MAX_SEARCH_LENGTH} characters.`);
  const terms = q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => term.replace(/^#/, ""));
  if (terms.length > MAX_SEARCH_TERMS) throw new DomainRuleError(`\`q\` may hold at most ${MAX_SEARCH_TERMS} words.`);
  return terms.filter(Boolean).map(escapeLike);
}

// The database matches with LIKE: %, _ and \ in a search are plain characters.
function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}
