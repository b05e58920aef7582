import { builder } from "./builder.js";

export const DimensionsRef = builder.objectRef<{ width: string | null; height: string | null; depth: string | null }>("Dimensions");

DimensionsRef.implement({
  description: "A product's size, decimals as strings.",
  fields: (t) => ({
    width: t.exposeString("width", { nullable: true }),
    height: t.exposeString("height", { nullable: true }),
    depth: t.exposeString("depth", { nullable: true }),
  }),
});
