// Which product (SKU) each manifest module belongs to, and the $db partition each product gets:
// "Key-value data does not cross products in production" (docs/platform.md "Manifest"), so
// the Freshcaller side and the Freshchat side of one installation each see their own store. The
// partitions share the installation's one $db budget. Also remembers which product created each
// live schedule, because its firing carries on that product's work.

import type { Clock, MinuteBudget } from './clock';
import { KvStore, type DbOpRecord } from './kv-store';
import type { HandlerInfo } from './loader';

/**
 * Which product (SKU) a manifest module belongs to. Modules not listed here are their own
 * product. Extend with RuntimeOptions.productOf.
 */
export const DEFAULT_PRODUCT_OF: Readonly<Record<string, string>> = {
  call: 'freshcaller',
  caller_conversation: 'freshcaller',
  chat_conversation: 'freshchat',
};

/** The product of an app without product modules (only `common`). */
const NO_PRODUCT = 'common';

export interface ProductPartitionsOptions {
  /** The manifest's module names, as currently loaded (they change on reload). */
  modules: () => string[];
  /** Manifest module -> product, merged over DEFAULT_PRODUCT_OF. */
  productOf?: Record<string, string>;
  clock: Clock;
  /** The installation's $db budget, shared by every partition. */
  budget: MinuteBudget;
  /** Receives every $db operation of every partition. */
  onRecord: (record: DbOpRecord) => void;
}

export class ProductPartitions {
  private readonly productOf: Record<string, string>;
  private readonly stores = new Map<string, KvStore>();
  /** Product of the invocation that created each live schedule. */
  private readonly scheduleProduct = new Map<string, string>();

  constructor(private readonly opts: ProductPartitionsOptions) {
    this.productOf = { ...DEFAULT_PRODUCT_OF, ...(opts.productOf ?? {}) };
  }

  /** The products of the manifest's modules besides common, in manifest order. */
  products(): string[] {
    return [...new Set(this.productModules().map((m) => this.productOfModule(m)))];
  }

  /** The app's first product (the only one for a single-product app). */
  first(): string {
    return this.products()[0] ?? NO_PRODUCT;
  }

  productOfModule(module: string): string {
    return this.productOf[module] ?? module;
  }

  /** The $db partition of a product, or of the product a manifest module belongs to. */
  store(productOrModule: string): KvStore {
    const product = this.productOfModule(productOrModule);
    let s = this.stores.get(product);
    if (!s) {
      s = new KvStore({ clock: this.opts.clock, budget: this.opts.budget, onRecord: this.opts.onRecord });
      this.stores.set(product, s);
    }
    return s;
  }

  /**
   * The product whose partition an invocation of `h` sees. A product event: its module's. A server
   * method: the product of the placement (`module`) that calls it, which must be named when the
   * app spans several products (outside installation). Anything else: the first product.
   */
  productFor(h: HandlerInfo, module: string | undefined, duringInstall: boolean): string {
    if (h.kind === 'event' && h.module !== 'common') return this.productOfModule(h.module);
    const products = this.products();
    if (h.kind === 'serverMethod' && module !== undefined) {
      const modules = this.productModules();
      if (!modules.includes(module)) {
        throw new Error(`invoke(${h.name}): module '${module}' is not a product module of manifest.json (${modules.join(', ')})`);
      }
      return this.productOfModule(module);
    }
    if (h.kind === 'serverMethod' && products.length > 1 && !duringInstall) {
      throw new Error(
        `invoke(${h.name}): the app spans several products (${products.join(', ')}) whose $db data does not cross in production; say which placement calls the server method: invoke('${h.name}', args, { module: '<manifest module>' })`,
      );
    }
    return this.first();
  }

  /** A schedule was created or updated by an invocation of `product`. */
  noteSchedule(name: string, product: string): void {
    this.scheduleProduct.set(name, product);
  }

  forgetSchedule(name: string): void {
    this.scheduleProduct.delete(name);
  }

  /**
   * The product a firing schedule runs as. Unconfirmed which product's $db a scheduled event
   * sees; the one that created it is the only reading under which a schedule can carry on the
   * creator's work. A one-time schedule is forgotten as it fires.
   */
  productOfFiring(name: string, recurring: boolean): string {
    const product = this.scheduleProduct.get(name) ?? this.first();
    if (!recurring) this.scheduleProduct.delete(name);
    return product;
  }

  /** Uninstall: every partition's data and the schedules' products. */
  clear(): void {
    for (const s of this.stores.values()) s.clear();
    this.scheduleProduct.clear();
  }

  private productModules(): string[] {
    return this.opts.modules().filter((m) => m !== 'common');
  }
}
