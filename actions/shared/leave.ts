/**
 * What a leave request is: a type from the HR portal's list (with the words people use for them)
 * and two calendar dates, the end not before the start and the start not in the past. Shared by
 * the form's validation and the action, which checks again: slots can be set without the form.
 */

export const LEAVE_TYPES = ['annual', 'sick', 'unpaid', 'parental'] as const;
export type LeaveType = (typeof LEAVE_TYPES)[number];

const SYNONYMS: Record<string, LeaveType> = {
  annual: 'annual',
  vacation: 'annual',
  holiday: 'annual',
  holidays: 'annual',
  pto: 'annual',
  sick: 'sick',
  'sick leave': 'sick',
  illness: 'sick',
  unpaid: 'unpaid',
  'unpaid leave': 'unpaid',
  parental: 'parental',
  maternity: 'parental',
  paternity: 'parental',
  'parental leave': 'parental',
};

/** "Vacation" → annual; null when it is none of them. */
export function parseLeaveType(value: unknown): LeaveType | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase().replace(/\s+/g, ' ');
  return SYNONYMS[v] ?? SYNONYMS[v.replace(/ leave$/, '')] ?? null;
}

/** "2031-07-01" or "1.7.2031" / "01/07/2031" (day first) → "2031-07-01"; null when not a real date. */
export function parseLeaveDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(v))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Today as yyyy-mm-dd (UTC: the day boundary a server in any zone agrees on). */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Why these dates cannot be requested, or null when they can. */
export function leaveDatesProblem(start: string, end: string, now: Date = new Date()): string | null {
  if (start < today(now)) return `The start date ${start} is in the past. Which day does your leave start?`;
  if (end < start) return `The end date ${end} is before the start date ${start}. Which day is your last day of leave?`;
  return null;
}

/** The robot's task for filing one (a browser flow, or the UiPath queue mapped to it). */
export const LEAVE_TASK = 'leave.request';
/** The intent Rasa is triggered with once the robot has filed it (entities: request_reference, confirmation_number). */
export const LEAVE_FILED_INTENT = 'EXTERNAL_leave_request_filed';
