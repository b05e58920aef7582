// pg's Result class (exported by pg as pg/lib/result.js; @types/pg leaves it out).
declare module "pg/lib/result.js" {
  const Result: { prototype: object };
  export default Result;
}
