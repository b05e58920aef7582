// OrderFilter as a SQL condition on "order". Every condition is scoped to one
// workspace; values travel as parameters, except enum members (checked
// against the enum), which stand in the text.
import { customerIdsOf, type OrderFilter, searchTerms } from "../domain/order-filter.js";
import { FulfillmentStatus, OrderSource, OrderStatus } from "../generated/prisma/enums.js";

/**
 * What `q` searches, lower-cased: the order number, emails and customer
 * names. Migration 20261123040000_search_indexes builds a trigram index on
 * exactly this expression; keep the two the same.
 */
export const SEARCH_TEXT_SQL =
  "lower(coalesce(number, '') || ' ' || coalesce(email, '') || ' ' || coalesce(customer_email, '') || ' ' || " +
  "coalesce(customer_first_name, '') || ' ' || coalesce(customer_last_name, ''))";

/**
 * "The order is this customer's": either of its emails is `value` (a
 * placeholder for the lower-cased address), any case. `alias` qualifies the
 * columns ("o." in a statement that names the table so).
 */
export const customerEmailSql = (value: string, alias = "") =>
  `(lower(${alias}email) = ${value} OR lower(${alias}customer_email) = ${value})`;

/**
 * Enum values written into the statement's text rather than sent as
 * parameters: a filter of enums alone then makes a statement that can be
 * prepared (planned once per connection, for those values), as an
 * unfiltered page is. Only members of the enum are written; an empty list
 * matches nothing.
 */
function enumValues(members: Record<string, string>, values: readonly string[], type: string): string {
  const known = new Set(Object.values(members));
  const listed = [...new Set(values)].sort();
  for (const value of listed) if (!known.has(value)) throw new Error(`${JSON.stringify(value)} is not a ${type} value`);
  return listed.length ? listed.map((value) => `'${value}'::${type}`).join(", ") : "NULL";
}

/**
 * The filter as a SQL condition on "order", with its parameters ($1 is the
 * workspace), and whether it searches (`q`). With `onlyCustomer`, only that
 * customer's orders (a customer's token), whatever the filter asks.
 */
export function orderFilterSql(
  workspaceId: string,
  filter: OrderFilter | null | undefined,
  onlyCustomer?: string,
): { where: string; args: unknown[]; searches: boolean } {
  const args: unknown[] = [workspaceId];
  const param = (value: unknown) => {
    args.push(value);
    return `$${args.length}`;
  };
  const conditions = ["workspace_id = $1::uuid"];
  if (filter?.status) conditions.push(`status IN (${enumValues(OrderStatus, filter.status, '"OrderStatus"')})`);
  if (filter?.paymentStatus) conditions.push(`payment_status = ANY(${param(filter.paymentStatus)}::text[])`);
  if (filter?.fulfillmentStatus)
    conditions.push(`fulfillment_status IN (${enumValues(FulfillmentStatus, filter.fulfillmentStatus, '"FulfillmentStatus"')})`);
  if (filter?.source) conditions.push(`source IN (${enumValues(OrderSource, filter.source, '"OrderSource"')})`);
  for (const customer of [filter?.customerEmail, onlyCustomer]) {
    if (customer == null) continue;
    conditions.push(customerEmailSql(param(customer.trim().toLowerCase())));
  }
  if (filter?.createdAfter) conditions.push(`created_at >= ${param(filter.createdAfter)}::timestamptz`);
  if (filter?.createdBefore) conditions.push(`created_at < ${param(filter.createdBefore)}::timestamptz`);
  if (filter?.updatedAfter) conditions.push(`updated_at >= ${param(filter.updatedAfter)}::timestamptz`);
  const customerIds = customerIdsOf(filter);
  if (customerIds) conditions.push(`customer_id = ANY(${param(customerIds)}::text[])`);
  const terms = searchTerms(filter?.q);
  for (const term of terms) conditions.push(`${SEARCH_TEXT_SQL} LIKE ${param(`%${term.toLowerCase()}%`)}`);
  return { where: conditions.join(" AND "), args, searches: terms.length > 0 };
}
