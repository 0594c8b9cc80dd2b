// Types of bench/goals-table.mjs for the unit test that checks README.md's bench block.
export interface BenchMeasures {
  context: {
    startedAt: string;
    endedAt: string;
    machine: string;
    memoryGb: string;
    engine: string;
    node: string;
    rounds: number;
    loadAtStart: number[];
    loadAtEnd: number[];
  };
  containersLeft: number;
  rows: {
    name: string;
    what: string;
    goal?: number;
    ways: { key: string; label: string; goal?: number; baseline?: boolean }[];
  }[];
  samples: Record<string, number[]>;
}
export const README_BEGIN: string;
export const README_END: string;
export function median(list: number[]): number | undefined;
export function renderGoals(measures: BenchMeasures): string;
export function withReadmeBlock(readme: string, table: string): string;
export function readmeBlock(readme: string): string | undefined;
