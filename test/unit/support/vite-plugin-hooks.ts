import type { Plugin } from 'vite';

/** The few context methods ConvOps' build steps use, as Vite provides them (errors thrown). */
export interface HookContext {
  error: (message: string) => never;
  getModuleIds?: () => IterableIterator<string>;
}

type Hook = (this: HookContext, ...args: string[]) => { code: string; map?: null } | null | void;

export const hookContext = (moduleIds: string[] = []): HookContext => ({
  error: (message: string): never => {
    throw new Error(message);
  },
  getModuleIds: () => moduleIds[Symbol.iterator]() as IterableIterator<string>,
});

/** Calls one of a plugin's hooks as Vite calls it. */
export function callHook(plugin: Plugin, name: 'transform' | 'buildStart' | 'buildEnd', context: HookContext, ...args: string[]) {
  return (plugin[name] as unknown as Hook).call(context, ...args);
}

/** A plugin's `transform` of `code` in module `id`. */
export const transformWith = (plugin: Plugin, code: string, id: string) => callHook(plugin, 'transform', hookContext(), code, id);
