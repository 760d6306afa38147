/** The slot-mapping rule of `rasa data validate`, on small domains. */
import { slotMappingProblems } from '../../src/protocol/domain-checks';

const domain = (slots: Record<string, unknown>, forms: Record<string, unknown> = { booking_form: { required_slots: ['date'] } }) => ({ slots, forms });
const conditioned = (type: string, loop: unknown) => ({ mappings: [{ type, entity: 'city', conditions: [{ active_loop: loop }] }] });

describe('slotMappingProblems', () => {
  it('accepts a slot conditioned on a form that requires it, and slots without conditions', () => {
    expect(slotMappingProblems(domain({ date: conditioned('from_text', 'booking_form'), city: { mappings: [{ type: 'from_entity', entity: 'city' }] } }))).toEqual([]);
  });

  it("refuses a slot conditioned on a form that does not require it (Rasa 3.6's error on ticket_severity)", () => {
    const problems = slotMappingProblems(domain({ date: conditioned('from_text', 'booking_form'), city: conditioned('from_entity', 'booking_form') }));
    expect(problems).toEqual([expect.stringContaining("slot 'city' has a mapping conditioned on form 'booking_form', but 'booking_form' does not list it in required_slots")]);
  });

  it('refuses a condition naming a form the domain does not define', () => {
    expect(slotMappingProblems(domain({ date: conditioned('from_text', 'bookin_form') }))).toEqual([
      "slot 'date' has a mapping conditioned on form 'bookin_form', which the domain's forms do not define",
    ]);
  });

  it('exempts from_trigger_intent mappings (they fill a slot as the form starts)', () => {
    expect(slotMappingProblems(domain({ started: conditioned('from_trigger_intent', 'booking_form') }))).toEqual([]);
  });

  it('skips conditions without a loop and forms without required slots, as Rasa does', () => {
    expect(slotMappingProblems(domain({ city: conditioned('from_entity', null) }))).toEqual([]);
    expect(slotMappingProblems(domain({ city: conditioned('from_entity', 'empty_form') }, { empty_form: { required_slots: [] } }))).toEqual([]);
  });

  it('checks every condition of every mapping, and reads Rasa 2 required_slots mappings', () => {
    const slots = {
      city: {
        mappings: [
          { type: 'from_text', conditions: [{ active_loop: 'a_form' }, { active_loop: 'b_form' }] },
          { type: 'from_entity', entity: 'city', conditions: [{ active_loop: 'c_form' }] },
        ],
      },
    };
    const forms = { a_form: { required_slots: ['city'] }, b_form: { required_slots: ['x'] }, c_form: { required_slots: { y: [] } } };
    expect(slotMappingProblems({ slots, forms })).toHaveLength(2);
  });
});
