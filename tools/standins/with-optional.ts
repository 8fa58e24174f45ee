/**
 * `T` without the keys `K`. Unlike `Omit`, keeps the named properties of types that also
 * have an index signature (the stored API objects accept extra attributes).
 */
export type Without<T, K extends keyof T> = { [P in keyof T as P extends K ? never : P]: T[P] };

/** `T` with the keys `K` optional. */
export type WithOptional<T, K extends keyof T> = Without<T, K> & { [P in K]?: T[P] };
