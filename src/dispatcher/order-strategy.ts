import type { Predictions } from '../domain/job.js';
import type { OrderChoice } from '../domain/order-choice.js';
import { compareNames } from '../util/order.js';

/**
 * The order in which a run's features are queued. A strategy is a pure function of the features and the
 * predictions; the dispatcher takes jobs from the front of the order it returns (see docs/scheduling.md for
 * how to add one). A run names its strategy (`spec.order`); ORDER_STRATEGIES gives each name's.
 */
export type OrderStrategy = (features: readonly string[], predictions: Predictions) => string[];

/**
 * Longest processing time first: features predicted long start first, so that they do not end up running
 * alone at the end while every other slot is idle. Features with no prediction go before all of them, since
 * they may be long too (and after one run they are known), in the order given. Ties keep the name order, so the
 * order is the same for the same inputs.
 */
export const longestFirst: OrderStrategy = (features, predictions) => {
  const known = (file: string) => Object.hasOwn(predictions, file);
  const unknown = features.filter((file) => !known(file));
  const predicted = features.filter(known).sort((a, b) => predictions[b]! - predictions[a]! || compareNames(a, b));
  return [...unknown, ...predicted];
};

/** The order the client gave (`--order given`): the spec's features as listed, its scenarios in file order. */
const given: OrderStrategy = (features) => [...features];

/** Each name a run spec can give (domain/order-choice.ts), its strategy: the compiler checks that none is missing. */
export const ORDER_STRATEGIES: Readonly<Record<OrderChoice, OrderStrategy>> = {
  'longest-first': longestFirst,
  given,
};
