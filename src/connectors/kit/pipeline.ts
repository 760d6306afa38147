/** What the pipeline adapters share: the order stages are told in. */
import type { PipelineStage } from '../../ports/crm';

/** The stage with the soonest close first; stages without a date last, then by name. */
export function bySoonestClose(a: PipelineStage, b: PipelineStage): number {
  if (a.nextCloseDate !== b.nextCloseDate) {
    if (!a.nextCloseDate) return 1;
    if (!b.nextCloseDate) return -1;
    return a.nextCloseDate < b.nextCloseDate ? -1 : 1;
  }
  return a.stage.localeCompare(b.stage);
}
