// Root query fields for orders: lookups and the filtered, paginated list.

import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import { parsePageArgs, toPage } from "../domain/pagination.js";
import { asClientError } from "../errors.js";
import type { Order } from "../generated/prisma/client.js";
import { attachPrefetched, planPrefetch, selects } from "../loaders/prefetch.js";
import { type OrderLookup, prefetchOne, prefetchPage } from "../store/prefetch.js";
import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { OrderRef } from "./order.js";
import { OrderFilterInput } from "./order-filter.js";

/** The order `lookup` names (the newest, should several match), with what the query asks of it prefetched. */
async function oneOrder(ctx: Context, info: GraphQLResolveInfo, lookup: OrderLookup): Promise<Order | null> {
  const plan = planPrefetch(info, [[]], ctx.config.maxPageSize);
  const row = await prefetchOne(ctx.sql, ctx.workspaceId, plan, lookup, ctx.caller.customerEmail);
  return row ? attachPrefetched(ctx.loaders, plan, row) : null;
}

builder.queryFields((t) => ({
  order: t.field({
    type: OrderRef,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: OrderRef }) },
    // One statement with what the query asks of the order, like the list.
    resolve: (_root, args, ctx, info) => oneOrder(ctx, info, { id: args.id.id }),
  }),

  orderByExternalId: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order a source knows by this id (Malomo alternate_id, Flexport externalOrderId, ...).",
    args: {
      source: t.arg({ type: OrderSourceEnum, required: true }),
      externalId: t.arg.string({ required: true }),
    },
    resolve: (_root, { source, externalId }, ctx, info) => oneOrder(ctx, info, { source, externalId }),
  }),

  orderBySourceId: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order by the id its source assigned (Malomo id, Flexport id, storefront id, TrackMage id), as GET /orders/:id there.",
    args: {
      source: t.arg({ type: OrderSourceEnum, required: true }),
      sourceOrderId: t.arg.string({ required: true }),
    },
    resolve: (_root, { source, sourceOrderId }, ctx, info) => oneOrder(ctx, info, { source, sourceOrderId: sourceOrderId.trim() }),
  }),

  orderByTrackingCode: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order holding a shipment with this tracking code (the newest, should carriers share a code).",
    args: { trackingCode: t.arg.string({ required: true }) },
    resolve: (_root, { trackingCode }, ctx, info) => oneOrder(ctx, info, { trackingCode: trackingCode.trim() }),
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
      oneOrder(ctx, info, { number: args.number.trim().replace(/^#/, ""), customerEmail: args.customerEmail.trim().toLowerCase() }),
  }),

  orders: t.connection(
    {
      type: OrderRef,
      description: "Orders, newest first.",
      args: { filter: t.arg({ type: OrderFilterInput }) },
      resolve: async (_root, args, ctx, info) => {
        let request, fetched;
        const plan = planPrefetch(info, [["nodes"], ["edges", "node"]], ctx.config.maxPageSize);
        try {
          request = parsePageArgs(args, ctx.config.maxPageSize);
          fetched = await prefetchPage(ctx.sql, ctx.workspaceId, args.filter, request, plan, {
            onlyCustomer: ctx.caller.customerEmail,
            withCount: selects(info, "totalCount"),
          });
        } catch (error) {
          throw asClientError(error);
        }
        const { rows, countAll } = fetched;
        const orders = rows.map((row) => attachPrefetched(ctx.loaders, plan, row));
        const page = toPage(orders, request, (row: Order) => ({ at: row.createdAt, id: row.id }));
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
