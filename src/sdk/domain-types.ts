/**
 * The project's domain as types. These interfaces are empty in the package; `actionbridge types`
 * writes a declaration file that fills them (module augmentation of `actionbridge`), and from then
 * on a slot, response or form name that the domain does not declare is a compile error wherever
 * an action names one: `defineAction`'s slot schema, `tracker.getSlot`, `dispatcher.utterMessage`'s
 * `response`, `defineFormValidation`'s form and slots. Without that file every name is a string, so
 * actions written before it compile as they did.
 */

/** Slot name → the type of its value (`null` while unset). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainSlots {}
/** Response name (`utter_…`) → `true`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainResponses {}
/** Form name → the names of its required slots. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainForms {}

/** The keys of a filled interface, or any string while it is empty (no domain types generated). */
type NamesOf<T> = [keyof T] extends [never] ? string : Extract<keyof T, string>;

export type SlotName = NamesOf<DomainSlots>;
export type ResponseName = NamesOf<DomainResponses>;
export type FormName = NamesOf<DomainForms>;

/** What a slot holds: its declared type once the domain is typed, `unknown` before. */
export type SlotValue<K extends string> = K extends keyof DomainSlots ? DomainSlots[K] : unknown;

/** Names in `K` that are not slots of the domain (none while the domain is untyped). */
export type UnknownSlotNames<K> = Exclude<Extract<K, string>, SlotName>;
