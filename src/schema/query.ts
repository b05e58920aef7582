// Root query fields for orders: lookups and the filtered, paginated list.
import { orderFilterWhere } from "../domain/order-filter.js";
import { parsePageArgs, toPage } from "../domain/pagination.js";
import type { Order } from "../generated/prisma/client.js";
import { asClientError } from "../errors.js";
import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { OrderRef } from "./order.js";
import { OrderFilterInput } from "./order-filter.js";

const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] as const;

builder.queryFields((t) => ({
  order: t.field({
    type: OrderRef,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: OrderRef }) },
    resolve: (_root, args, ctx) => ctx.loaders.orderById.load(args.id.id),
  }),

  orderByExternalId: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order a source knows by this id (Malomo alternate_id, Flexport externalOrderId, ...).",
    args: {
      source: t.arg({ type: OrderSourceEnum, required: true }),
      externalId: t.arg.string({ required: true }),
    },
    resolve: (_root, { source, externalId }, ctx) =>
      ctx.prisma.order.findUnique({
        where: { workspaceId_source_externalId: { workspaceId: ctx.workspaceId, source, externalId } },
      }),
  }),

  orderByTrackingCode: t.field({
    type: OrderRef,
    nullable: true,
    description: "The order holding a shipment with this tracking code (the newest, should carriers share a code).",
    args: { trackingCode: t.arg.string({ required: true }) },
    resolve: async (_root, { trackingCode }, ctx) => {
      const shipment = await ctx.prisma.shipment.findFirst({
        where: { workspaceId: ctx.workspaceId, trackingCode: trackingCode.trim() },
        orderBy: { createdAt: "desc" },
        select: { orderId: true },
      });
      return shipment ? ctx.loaders.orderById.load(shipment.orderId) : null;
    },
  }),

  orderByNumber: t.field({
    type: OrderRef,
    nullable: true,
    description: "What a customer can tell: the order number and their email (any case).",
    args: {
      number: t.arg.string({ required: true }),
      customerEmail: t.arg.string({ required: true }),
    },
    resolve: (_root, args, ctx) => {
      const email = args.customerEmail.trim();
      return ctx.prisma.order.findFirst({
        where: {
          workspaceId: ctx.workspaceId,
          number: args.number.trim().replace(/^#/, ""),
          OR: [
            { email: { equals: email, mode: "insensitive" } },
            { customerEmail: { equals: email, mode: "insensitive" } },
          ],
        },
        orderBy: newestFirst.slice(),
      });
    },
  }),

  orders: t.connection(
    {
      type: OrderRef,
      description: "Orders, newest first.",
      args: { filter: t.arg({ type: OrderFilterInput }) },
      resolve: async (_root, args, ctx) => {
        let request, where;
        try {
          request = parsePageArgs(args, ctx.config.maxPageSize);
          where = orderFilterWhere(ctx.workspaceId, args.filter);
        } catch (error) {
          throw asClientError(error);
        }
        const { cursor, direction, limit } = request;
        const past = direction === "forward" ? "lt" : "gt";
        const rows = await ctx.prisma.order.findMany({
          where: cursor
            ? { AND: [where, { OR: [{ createdAt: { [past]: cursor.at } }, { createdAt: cursor.at, id: { [past]: cursor.id } }] }] }
            : where,
          orderBy: direction === "forward" ? newestFirst.slice() : [{ createdAt: "asc" }, { id: "asc" }],
          take: limit + 1,
        });
        for (const row of rows) ctx.loaders.orderById.prime(row.id, row);
        const page = toPage(rows, request, (order: Order) => ({ at: order.createdAt, id: order.id }));
        return { ...page, countAll: () => ctx.prisma.order.count({ where }) };
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

