// When a bulk load refreshes the planner's statistics: planned on the
// statistics of the small tables they started as, its own lookups would scan
// whole tables as they grow.

/** Whether an import that went from `before` to `after` orders passed 5,000 · 4^k for some k (5,000, 20,000, 80,000, ...). */
export function crossesStatisticsMark(before: number, after: number): boolean {
  for (let mark = 5_000; mark <= after; mark *= 4) if (mark > before) return true;
  return false;
}
