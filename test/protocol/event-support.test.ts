/** Which event types each Rasa version accepts: one test per row of the table, and the table against the schemas. */
import { EVENT_NAMES } from '../../src/protocol/events';
import { EVENT_SUPPORT, eventSupportedSince, rasaAcceptsEvent, splitByRasaSupport } from '../../src/protocol/event-support';
import { formatRasaVersion, parseRasaVersion, type RasaVersion } from '../../src/protocol/rasa-version';

/** The last release before `v` (3.7.0 → 3.6.99). */
const justBefore = (v: RasaVersion): RasaVersion => ({ major: v.major, minor: v.minor - 1, patch: 99 });
const v = (text: string) => parseRasaVersion(text);

describe('event support per Rasa version', () => {
  it('gives every event type exactly one row, so a new type needs a decision here', () => {
    const inTable = EVENT_SUPPORT.flatMap((row) => row.events);
    expect([...inTable].sort()).toEqual([...EVENT_NAMES].sort());
    expect(new Set(inTable).size).toBe(inTable.length);
  });

  it('lists rows oldest first', () => {
    const since = EVENT_SUPPORT.map((row) => formatRasaVersion(row.since));
    expect(since).toEqual(['0.0.0', '3.7.0', '3.10.0', '3.14.0', '3.16.0']);
  });

  it('first row: the Open Source schema of Rasa 3.6 (23 types) is accepted by every version, older ones included', () => {
    const [row] = EVENT_SUPPORT;
    expect(row!.events).toHaveLength(23);
    for (const version of ['2.8.34', '3.0.0', '3.6.21', '3.16.0']) {
      expect(row!.events.filter((e) => !rasaAcceptsEvent(v(version), e))).toEqual([]);
    }
  });

  it.each(EVENT_SUPPORT.map((row, index) => [formatRasaVersion(row.since), index] as const).slice(1))(
    '%s row: refused by the release before it, accepted from it on, with every older row',
    (_since, index) => {
      const row = EVENT_SUPPORT[index]!;
      const before = justBefore(row.since);
      expect(row.events.filter((e) => rasaAcceptsEvent(before, e))).toEqual([]);
      expect(row.events.filter((e) => !rasaAcceptsEvent(row.since, e))).toEqual([]);
      const older = EVENT_SUPPORT.slice(0, index).flatMap((r) => r.events);
      expect(older.filter((e) => !rasaAcceptsEvent(row.since, e) || !rasaAcceptsEvent(before, e))).toEqual([]);
      expect(row.events.map((e) => eventSupportedSince(e))).toEqual(row.events.map(() => row.since));
    },
  );

  it('session_ended: Rasa 3.6 rejects it (and with it the whole response), 3.16 accepts it', () => {
    expect(rasaAcceptsEvent(v('3.6.21'), 'session_ended')).toBe(false);
    expect(rasaAcceptsEvent(v('3.15.9'), 'session_ended')).toBe(false);
    expect(rasaAcceptsEvent(v('3.16.0'), 'session_ended')).toBe(true);
  });

  it('a caller without a readable version is the newest Rasa: every known type, no unknown one', () => {
    expect(EVENT_NAMES.filter((e) => !rasaAcceptsEvent(null, e))).toEqual([]);
    expect(rasaAcceptsEvent(null, 'no_such_event')).toBe(false);
  });
});

describe('splitByRasaSupport', () => {
  const events = [
    { event: 'slot', name: 'a', value: 1 },
    { event: 'session_ended', metadata: null },
    { event: 'flow_started', flow_id: 'f' },
  ];

  it('holds back what the calling Rasa rejects, keeping the order of the rest', () => {
    expect(splitByRasaSupport(events, '3.6.21')).toEqual({ accepted: [events[0]], refused: [events[1], events[2]] });
    expect(splitByRasaSupport(events, '3.8.0')).toEqual({ accepted: [events[0], events[2]], refused: [events[1]] });
  });

  it('hands back the same list when nothing is refused', () => {
    const split = splitByRasaSupport(events, '3.16.1');
    expect(split.accepted).toBe(events);
    expect(split.refused).toEqual([]);
  });
});
