// Root query fields for orders: lookups and the filtered, paginated list.
import { orderFilterSql } from "../domain/order-filter.js";
import { parsePageArgs, toPage } from "../domain/pagination.js";
import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import type { Order } from "../generated/prisma/client.js";
import { attachPrefetched, planPrefetch, prefetchColumns } from "../loaders/prefetch.js";
import { asClientError } from "../errors.js";
import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { OrderRef } from "./order.js";
import { OrderFilterInput } from "./order-filter.js";

/** The newest order matching `where` (on "order" o), with what the query asks of it prefetched. */
async function oneOrder(ctx: Context, info: GraphQLResolveInfo, where: string, args: unknown[]): Promise<Order | null> {
  const plan = planPrefetch(info, [[]], ctx.config.maxPageSize);
  const [row] = await ctx.sql<Order>(
    `SELECT ${prefetchColumns(plan)} FROM "order" o WHERE ${where} ORDER BY o.created_at DESC, o.id DESC LIMIT 1`,
    args,
  );
  return row ? attachPrefetched(ctx.loaders, plan, row) : null;
}

builder.queryFields((t) => ({
  order: t.field({
    type: OrderRef,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: OrderRef }) },
    // One statement with what the query asks of the order, like the list.
    resolve: (_root, args, ctx, info) => oneOrder(ctx, info, `o.workspace_id = $1::uuid AND o.id = $2::uuid`, [ctx.workspaceId, args.id.id]),
  }),

  orderByExternalId: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order a source knows by this id (Malomo alternate_id, Flexport externalOrderId, ...).",
    args: {
      source: t.arg({ type: OrderSourceEnum, required: true }),
      externalId: t.arg.string({ required: true }),
    },
    resolve: (_root, { source, externalId }, ctx, info) =>
      oneOrder(ctx, info, `o.workspace_id = $1::uuid AND o.source = $2::"OrderSource" AND o.external_id = $3`, [
        ctx.workspaceId,
        source,
        externalId,
      ]),
  }),

  orderByTrackingCode: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order holding a shipment with this tracking code (the newest, should carriers share a code).",
    args: { trackingCode: t.arg.string({ required: true }) },
    resolve: (_root, { trackingCode }, ctx, info) =>
      oneOrder(
        ctx,
        info,
        `o.id = (SELECT order_id FROM shipment WHERE workspace_id = $1::uuid AND tracking_code = $2 ORDER BY created_at DESC LIMIT 1)`,
        [ctx.workspaceId, trackingCode.trim()],
      ),
  }),

  orderByNumber: t.field({
    type: OrderRef,
    nullable: true,
    description: "What a customer can tell: the order number and their email (any case).",
    args: {
      number: t.arg.string({ required: true }),
      customerEmail: t.arg.string({ required: true }),
    },
    resolve: (_root, args, ctx, info) =>
      oneOrder(
        ctx,
        info,
        `o.workspace_id = $1::uuid AND o.number = $2 AND (lower(o.email) = $3 OR lower(o.customer_email) = $3)`,
        [ctx.workspaceId, args.number.trim().replace(/^#/, ""), args.customerEmail.trim().toLowerCase()],
      ),
  }),

  orders: t.connection(
    {
      type: OrderRef,
      description: "Orders, newest first.",
      args: { filter: t.arg({ type: OrderFilterInput }) },
      resolve: async (_root, args, ctx, info) => {
        let request, filter;
        try {
          request = parsePageArgs(args, ctx.config.maxPageSize);
          filter = orderFilterSql(ctx.workspaceId, args.filter);
        } catch (error) {
          throw asClientError(error);
        }
        const { cursor, direction, limit } = request;
        const params = [...filter.args];
        let where = filter.where;
        if (cursor) {
          params.push(cursor.at, cursor.id);
          const past = direction === "forward" ? "<" : ">";
          where += ` AND (created_at, id) ${past} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
        }
        const order = direction === "forward" ? "created_at DESC, id DESC" : "created_at ASC, id ASC";
        const plan = planPrefetch(info, [["nodes"], ["edges", "node"]], ctx.config.maxPageSize);
        // The limit is a checked integer and stands in the text: a prepared
        // statement's generic plan then knows it and keeps the index scan.
        const prepare = filter.args.length === 1; // no filter: the same plan suits every workspace
        const rows = await ctx.sql<Order>(
          `SELECT ${prefetchColumns(plan)} FROM "order" o WHERE ${where} ORDER BY ${order} LIMIT ${limit + 1}`,
          params,
          { prepare },
        );
        const orders = rows.map((row) => attachPrefetched(ctx.loaders, plan, row));
        const page = toPage(orders, request, (row: Order) => ({ at: row.createdAt, id: row.id }));
        const countAll = async () =>
          (await ctx.sql<{ count: number }>(`SELECT count(*)::int AS count FROM "order" WHERE ${filter.where}`, filter.args, { prepare }))[0]!
            .count;
        return { ...page, countAll };
      },
    },
    {
      name: "OrderConnection",
      fields: (t) => ({
        totalCount: t.int({
          description: "Orders matching the filter, across all pages.",
          resolve: (connection) => connection.countAll(),
        }),
      }),
    },
    { name: "OrderEdge" },
  ),
}));
