// OrderFilter (the API's list filter) as a database condition. Every
// condition is scoped to one workspace.
import type { FulfillmentStatus, OrderSource, OrderStatus, Prisma } from "../generated/prisma/client.js";
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
};

export const MAX_SEARCH_LENGTH = 200;
const MAX_SEARCH_TERMS = 5;

export function orderFilterWhere(workspaceId: string, filter: OrderFilter | null | undefined): Prisma.OrderWhereInput {
  const and: Prisma.OrderWhereInput[] = [{ workspaceId }];
  if (!filter) return and[0]!;
  if (filter.status) and.push({ status: { in: filter.status } });
  if (filter.paymentStatus) and.push({ paymentStatus: { in: filter.paymentStatus } });
  if (filter.fulfillmentStatus) and.push({ fulfillmentStatus: { in: filter.fulfillmentStatus } });
  if (filter.source) and.push({ source: { in: filter.source } });
  if (filter.customerEmail != null) {
    const email = filter.customerEmail.trim();
    and.push({
      OR: [
        { email: { equals: email, mode: "insensitive" } },
        { customerEmail: { equals: email, mode: "insensitive" } },
      ],
    });
  }
  if (filter.createdAfter) and.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) and.push({ createdAt: { lt: filter.createdBefore } });
  for (const term of searchTerms(filter.q)) {
    const contains = { contains: term, mode: "insensitive" } as const;
    and.push({
      OR: [
        { number: contains },
        { email: contains },
        { customerEmail: contains },
        { customerFirstName: contains },
        { customerLastName: contains },
      ],
    });
  }
  return { AND: and };
}

/** "john smith" matches orders where each word is in the number, a name or an email. */
export function searchTerms(q: string | null | undefined): string[] {
  if (q == null) return [];
  if (q.length > MAX_SEARCH_LENGTH) throw new DomainRuleError(`\`q\` must be at most ${MAX_SEARCH_LENGTH} characters.`);
  const terms = q.trim().split(/\s+/).filter(Boolean).map((term) => term.replace(/^#/, ""));
  if (terms.length > MAX_SEARCH_TERMS) throw new DomainRuleError(`\`q\` may hold at most ${MAX_SEARCH_TERMS} words.`);
  return terms.filter(Boolean).map(escapeLike);
}

// The database matches with LIKE: %, _ and \ in a search are plain characters.
function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}
