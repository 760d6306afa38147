export type { QueryOptions, QueryResult, Queryable, Row, Store, StoreKind, Transaction } from './store';
export { PgliteStore } from './pglite-store';
export { PgStore, type PgStoreOptions } from './pg-store';
export { migrate, readMigrations, defaultMigrationsDir, type Migration } from './migrate';
export { openStore, type OpenedStore, type StoreSettings } from './open';
export { LazyStore, type OpeningState } from './lazy-store';
export { isUnavailable, databaseUnavailable } from './errors';
export { FieldCipher, FieldCipherError, PLAINTEXT, parseDataKeys, isEncryptedField, fieldKeyId, type DataKey } from './cipher';
export { parseKeyList } from './key-list';
