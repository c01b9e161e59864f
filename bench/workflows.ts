/** The bench's own baseline: a workflow that runs one activity that does nothing, and returns. */
import { proxyActivities } from '@temporalio/workflow';

const { benchNoop } = proxyActivities<{ benchNoop(): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function benchOneActivity(): Promise<string> {
  return benchNoop();
}
