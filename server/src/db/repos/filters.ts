/** How the data layer applies the lists' time filters (the filter shapes are the contract's). */
import type { TimeFilter } from "../../contract/filters";


export const TIME_OPS: Record<TimeFilter["op"], string> = {
  gt: ">",
  gte: ">=",
  eq: "=",
  neq: "<>",
  lt: "<",
  lte: "<=",
};
