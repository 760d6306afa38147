/**
 * The rpa.run work over a robot that runs on its own (as UiPath does), with a recording guard:
 * a running robot is polled until done; a retry after a recorded submit asks by reference first
 * and never submits again while the robot's list may lag; a failed run dead-letters only when
 * the robot says trying again cannot help.
 */
import { AwaitingConsistency, isPermanent, type CreateGuard } from '../../src/delivery/jobs';
import type { CreateAttempt } from '../../src/delivery/outbox';
import { runRpaWork, RpaStillRunning, type RpaJob } from '../../src/delivery/rpa-jobs';
import type { RpaRun, RpaRunStatus, RpaSystem } from '../../src/ports/rpa';

const JOB: RpaJob = { task: { name: 'leave.request', input: { employee: 'Ada' } }, requestedBy: { conversation: 'a'.repeat(32) } };
const FAST = { intervalMs: 1, maxIntervalMs: 4, budgetMs: 60_000 };

function guard(previous: CreateAttempt | null = null): CreateGuard & { marks: number; noted: string[] } {
  const g = {
    marks: 0,
    noted: [] as string[],
    previousCreate: async () => previous,
    markCreateAttempted: async () => void g.marks++,
    noteCreated: async (id: string) => void g.noted.push(id),
  };
  return g;
}

function robot(statuses: RpaRunStatus[], found: RpaRun | null = null, lagMs = 0): RpaSystem & { submits: string[]; asked: string[] } {
  const submits: string[] = [];
  const asked: string[] = [];
  return {
    provider: 'uipath',
    submits,
    asked,
    searchConsistencyMs: lagMs,
    async submit(_task, { reference }) {
      submits.push(reference);
      return { state: 'running', runId: 'q:42' };
    },
    async status(runId) {
      asked.push(runId);
      return statuses.shift() ?? { state: 'running' };
    },
    async findByReference() {
      return found;
    },
  };
}

describe('rpa.run work', () => {
  it('submits once, keeps the run id, and polls a running robot until it is done', async () => {
    const r = robot([{ state: 'running' }, { state: 'running' }, { state: 'done', confirmation: 'HR-1', output: { by: 'robot-3' } }]);
    const g = guard();
    const result = await runRpaWork(r, JOB, 'REF-0000000001', g, undefined, FAST);
    expect(result).toEqual({ provider: 'uipath', key: 'HR-1', confirmation: 'HR-1', output: { by: 'robot-3' } });
    expect(r.submits).toEqual(['REF-0000000001']);
    expect(g.marks).toBe(1);
    expect(g.noted).toEqual(['q:42']);
    expect(r.asked).toEqual(['q:42', 'q:42', 'q:42']);
  });

  it('a retry after a recorded submit finds the run by reference instead of submitting again', async () => {
    const r = robot([{ state: 'done', confirmation: 'HR-2' }], { state: 'running', runId: 'q:7' });
    const result = await runRpaWork(r, JOB, 'REF-0000000002', guard({ ageMs: 60_000, createdId: null }), undefined, FAST);
    expect(result.confirmation).toBe('HR-2');
    expect(r.submits).toEqual([]);
    expect(r.asked).toEqual(['q:7']);
  });

  it('a miss right after a submit whose answer was lost waits for the robot\'s list, then submits', async () => {
    const lagging = robot([], null, 5_000);
    await expect(runRpaWork(lagging, JOB, 'REF-0000000003', guard({ ageMs: 1_000, createdId: null }), undefined, FAST)).rejects.toBeInstanceOf(AwaitingConsistency);
    expect(lagging.submits).toEqual([]);
    const later = robot([{ state: 'done', confirmation: 'HR-3' }], null, 5_000);
    expect((await runRpaWork(later, JOB, 'REF-0000000003', guard({ ageMs: 6_000, createdId: null }), undefined, FAST)).confirmation).toBe('HR-3');
    expect(later.submits).toEqual(['REF-0000000003']);
  });

  it('a robot still at it when the budget ends leaves the job for a later attempt; a failure is permanent only when the robot says so', async () => {
    await expect(runRpaWork(robot([]), JOB, 'REF-0000000004', guard(), undefined, { intervalMs: 5, maxIntervalMs: 5, budgetMs: 20 })).rejects.toBeInstanceOf(RpaStillRunning);
    const refused = await runRpaWork(robot([{ state: 'failed', reason: 'BusinessException: no leave left', permanent: true }]), JOB, 'REF-0000000005', guard(), undefined, FAST).catch((e: unknown) => e);
    expect(isPermanent(refused)).toBe(true);
    expect((refused as Error).message).toContain('no leave left');
    const flaky = await runRpaWork(robot([{ state: 'failed', reason: 'robot crashed', permanent: false }]), JOB, 'REF-0000000006', guard(), undefined, FAST).catch((e: unknown) => e);
    expect(isPermanent(flaky)).toBe(false);
  });
});
