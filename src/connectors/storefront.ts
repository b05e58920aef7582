// Storefront: read-only in its docs. Its order list is paged with page/size
// (pages from 1) and ends at a short page.
import { type Connector, requireArray } from "./connector.js";

export const storefront: Connector = {
  writes: {},
  pull: {
    pagePath: (position, size) => `/orders?page=${Number(position ?? 1)}&size=${size}`,
    readPage(answer, position, size) {
      const orders = requireArray("Storefront", answer);
      return { orders, next: orders.length < size ? null : String(Number(position ?? 1) + 1) };
    },
  },
};
