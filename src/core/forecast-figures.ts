// The money figures of a forecast by the unit-cost rule (unit-costs.ts): each is exact, a lower
// bound when some of its GPU-hours have no rate, or undefined when none has. Pure.
import type { DayOutlook, ForecastResult, TrendPoint } from './forecast.js';
import type { ProjectedUsage } from './forecast-projection.js';
import { type Figure, groupCost } from './unit-costs.js';

/** A projection: the remaining hours alone, and the month to date plus them. */
export interface ProjectionFigures {
  readonly remaining: Figure;
  readonly total: Figure;
}

export interface ForecastFigures {
  readonly toDate: Figure;
  readonly runRate: ProjectionFigures | null;
  readonly trend: ProjectionFigures | null;
}

interface Projected {
  readonly projectedRemaining: number;
  readonly projectedGpuHours: number;
  readonly projectedUnpricedGpuHours: number;
}

export function forecastFigures(result: ForecastResult): ForecastFigures {
  const { actual } = result;
  const projection = (projected: Projected): ProjectionFigures => ({
    remaining: groupCost({
      cost: projected.projectedRemaining,
      gpuHours: projected.projectedGpuHours,
      unpricedGpuHours: projected.projectedUnpricedGpuHours,
    }),
    total: groupCost({
      cost: actual.cost + projected.projectedRemaining,
      gpuHours: actual.gpuHours + projected.projectedGpuHours,
      unpricedGpuHours: actual.unpricedGpuHours + projected.projectedUnpricedGpuHours,
    }),
  });
  return {
    toDate: groupCost(actual),
    runRate: result.runRate ? projection(result.runRate) : null,
    trend: result.trend?.available ? projection(result.trend) : null,
  };
}

/** What each projection puts on a day's remaining hours; null where it projects nothing. */
export function dayFigures(day: DayOutlook): {
  readonly runRate: Figure | null;
  readonly trend: Figure | null;
} {
  const figure = (cost: number | null, usage: ProjectedUsage | null | undefined) =>
    cost === null
      ? null
      : groupCost({
          cost,
          gpuHours: usage?.gpuHours ?? 0,
          unpricedGpuHours: usage?.unpricedGpuHours ?? 0,
        });
  return {
    runRate: figure(day.runRate, day.runRateUsage),
    trend: figure(day.trend, day.trendUsage),
  };
}

/** A trend fit day's cost at the reference version's rates. */
export function fitDayCost(point: TrendPoint): Figure {
  return groupCost(point);
}

/**
 * Whether none of the result's GPU time has a price, to date or projected: every cost is then
 * unknown, shown as unpriced (as a report shows such a row), never as 0.00.
 */
export function isUnpriced(figures: ForecastFigures): boolean {
  const undefinedFigure = (figure: Figure | undefined) =>
    (figure?.kind ?? 'undefined') === 'undefined';
  return (
    figures.toDate.kind === 'undefined' &&
    undefinedFigure(figures.runRate?.total) &&
    undefinedFigure(figures.trend?.total)
  );
}
