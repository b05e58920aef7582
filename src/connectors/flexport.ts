// Flexport: create, cancel and retry. Its docs name these operations but not
// their paths; the paths below are the gateway's, kept in this one table.
import { mapFlexportOrder, toFlexportOrder } from "../sources/flexport.js";
import { type Connector, requireId, segment } from "./connector.js";

export const flexport: Connector = {
  writes: {
    createOrder: {
      method: "POST",
      path: () => "/orders",
      body: (order) => toFlexportOrder(order),
      createdId: (answer) => requireId("Flexport", mapFlexportOrder(answer).sourceOrderId),
      carries: ["externalId", "shippingAddress", "phone", "lineItems", "promisedShipBy", "promisedDeliveryBy", "shipMethod", "meta"],
    },
    // Flexport may refuse a cancel (the order has shipped): the order is cancelled here once it accepts.
    cancelOrder: { method: "POST", path: (id) => `/orders/${segment(id)}/cancel`, awaitsSource: true },
    retryOrder: { method: "POST", path: (id) => `/orders/${segment(id)}/retry` },
  },
};
