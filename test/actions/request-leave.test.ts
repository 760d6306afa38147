/**
 * The leave form and action_request_leave without a browser: what is accepted, what is refused
 * and said, and what the action hands to the Rpa port (a recording port stands in for it here;
 * the end-to-end run with the real robot is test/delivery/rpa-leave.test.ts).
 */
import { leaveForm } from '../../actions/leave-form';
import { leaveStatus } from '../../actions/leave-status';
import { requestLeave } from '../../actions/request-leave';
import { parseLeaveDate, parseLeaveType } from '../../actions/shared/leave';
import type { Rpa, RpaRunOptions, RpaTask } from '../../src/ports/rpa';
import { formDomain, runAction } from '../../src/sdk/testkit';

const domain = formDomain('leave_form', ['leave_employee', 'leave_type', 'leave_start', 'leave_end']);
const year = new Date().getUTCFullYear();
const FUTURE = `${year + 2}-03-02`;
const LATER = `${year + 2}-03-06`;

function recordingRpa(): Rpa & { runs: { task: RpaTask; key: string; opts: RpaRunOptions }[] } {
  const runs: { task: RpaTask; key: string; opts: RpaRunOptions }[] = [];
  return {
    runs,
    provider: 'browser',
    supports: (task) => task === 'leave.request',
    async run(task, key, opts) {
      runs.push({ task, key, opts });
      return { state: 'queued', reference: 'REF-0A1B2C3D4E' };
    },
    async requestStatus(reference) {
      return reference === 'REF-0A1B2C3D4E' ? { state: 'done', value: { confirmation: 'HR-4711' } } : null;
    },
  };
}

describe('leave types and dates', () => {
  it('maps the words people use to the portal\'s types, and reads two date forms', () => {
    expect(['Vacation', 'annual leave', 'PTO', 'sick leave', 'maternity', 'unpaid'].map(parseLeaveType)).toEqual(['annual', 'annual', 'annual', 'sick', 'parental', 'unpaid']);
    expect(parseLeaveType('sabbatical')).toBeNull();
    expect(parseLeaveDate('2031-7-1')).toBe('2031-07-01');
    expect(parseLeaveDate('01.07.2031')).toBe('2031-07-01');
    expect(parseLeaveDate('2031-02-30')).toBeNull();
    expect(parseLeaveDate('next tuesday')).toBeNull();
  });
});

describe('validate_leave_form', () => {
  const run = (extracted: Record<string, unknown>, slots: Record<string, unknown> = {}) => runAction(leaveForm, { domain, activeLoop: 'leave_form', text: 'x', slots, extracted });

  it('accepts a known type by a synonym and refuses an unknown one, listing the types', async () => {
    expect((await run({ leave_type: 'holiday' })).slotsSet).toEqual({ leave_type: 'annual' });
    const bad = await run({ leave_type: 'sabbatical' });
    expect(bad.slotsSet).toEqual({ leave_type: null });
    expect(bad.texts[0]).toContain('annual, sick, unpaid, parental');
  });

  it('refuses a start in the past and an end before the start', async () => {
    const past = await run({ leave_start: '2001-01-01' });
    expect(past.slotsSet).toEqual({ leave_start: null });
    expect(past.texts[0]).toContain('in the past');
    const backwards = await run({ leave_end: FUTURE }, { leave_start: LATER });
    expect(backwards.slotsSet).toEqual({ leave_end: null });
    expect(backwards.texts[0]).toContain('before the start date');
    expect((await run({ leave_end: LATER }, { leave_start: FUTURE })).slotsSet).toEqual({ leave_end: LATER });
    expect((await run({ leave_start: 'soon' })).texts[0]).toContain('yyyy-mm-dd');
  });
});

describe('action_request_leave', () => {
  const slots = { leave_employee: ' Ada  Lovelace ', leave_type: 'vacation', leave_start: FUTURE, leave_end: LATER };

  it('hands the request to the robot with the checked inputs and answers the reference at once', async () => {
    const rpa = recordingRpa();
    const out = await runAction(requestLeave, { services: { rpa }, senderId: 'conv-1', slots });
    expect(rpa.runs).toHaveLength(1);
    const [call] = rpa.runs;
    expect(call!.task).toEqual({ name: 'leave.request', input: { employee: 'Ada Lovelace', type: 'annual', start: FUTURE, end: LATER, reason: 'Requested through the HR assistant' } });
    expect(call!.opts).toMatchObject({ conversationId: 'conv-1', notifyIntent: 'EXTERNAL_leave_request_filed', requestedBy: { conversation: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect(call!.key).toMatch(/^action_request_leave:[0-9a-f]{20}$/);
    expect(out.texts[0]).toContain('your reference is REF-0A1B2C3D4E');
    expect(out.slotsSet).toEqual({ leave_reference: 'REF-0A1B2C3D4E', leave_type: null, leave_start: null, leave_end: null });
  });

  it('checks the dates again (slots can be set without the form) and files nothing wrong', async () => {
    const rpa = recordingRpa();
    const backwards = await runAction(requestLeave, { services: { rpa }, slots: { ...slots, leave_start: LATER, leave_end: FUTURE } });
    expect(backwards.texts[0]).toContain('before the start date');
    const past = await runAction(requestLeave, { services: { rpa }, slots: { ...slots, leave_start: '2001-01-01', leave_end: '2001-01-02' } });
    expect(past.texts[0]).toContain('in the past');
    const odd = await runAction(requestLeave, { services: { rpa }, slots: { ...slots, leave_type: 'sabbatical' } });
    expect(odd.texts[0]).toContain('not "sabbatical"');
    expect(rpa.runs).toHaveLength(0);
  });

  it('says so when no robot is configured', async () => {
    const out = await runAction(requestLeave, { services: {}, slots });
    expect(out.texts[0]).toContain("can't file leave requests right now");
  });

  it('action_leave_status answers the confirmation number, and a malformed reference with the form it takes', async () => {
    const rpa = recordingRpa();
    expect((await runAction(leaveStatus, { services: { rpa }, slots: { leave_reference: 'ref-0a1b2c3d4e' } })).texts[0]).toContain('confirmation number HR-4711');
    expect((await runAction(leaveStatus, { services: { rpa }, slots: { leave_reference: 'REF-ZZZZZZZZZZ' } })).texts[0]).toContain("couldn't find");
    expect((await runAction(leaveStatus, { services: { rpa }, slots: { leave_reference: 'HR-4711' } })).texts[0]).toContain('look like REF-');
  });
});
