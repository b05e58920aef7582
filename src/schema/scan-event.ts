import type { ScanEvent } from "../generated/prisma/client.js";
import { AddressRef } from "./address.js";
import { builder } from "./builder.js";
import { ShipmentStatusEnum } from "./enums.js";

export const ScanEventRef = builder.objectRef<ScanEvent>("ScanEvent");

builder.node(ScanEventRef, {
  description: "One tracking scan reported by the carrier.",
  id: { resolve: (scan) => scan.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.scanEventById.load(id))),
  fields: (t) => ({
    scannedAt: t.expose("scannedAt", { type: "DateTime" }),
    status: t.expose("status", { type: ShipmentStatusEnum }),
    rawStatus: t.exposeString("rawStatus", { nullable: true, description: "The status as the carrier reported it." }),
    statusDetail: t.exposeString("statusDetail", { nullable: true }),
    carrierCode: t.exposeString("carrierCode", { nullable: true }),
    description: t.exposeString("description", { nullable: true }),
    message: t.exposeString("message", { nullable: true }),
    source: t.exposeString("source", { nullable: true }),
    location: t.field({
      type: AddressRef,
      nullable: true,
      resolve: (scan) =>
        scan.locationCity || scan.locationState || scan.locationPostalCode || scan.locationCountry
          ? {
              city: scan.locationCity,
              state: scan.locationState,
              postalCode: scan.locationPostalCode,
              country: scan.locationCountry,
            }
          : null,
    }),
  }),
});
