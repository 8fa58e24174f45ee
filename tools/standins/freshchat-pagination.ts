import type { FreshchatBehaviour } from './freshchat-handlers';
import { paginate, type Page } from './pagination';
import type { HandlerContext, HandlerResult } from './standin-server';

export function paginationOf(page: Page<unknown>): Record<string, number> {
  return { total_items: page.totalItems, total_pages: page.totalPages, current_page: page.page, items_per_page: page.perPage };
}

export function linksOf(ctx: HandlerContext, page: Page<unknown>, rel: string, behaviour: FreshchatBehaviour): Record<string, unknown> {
  const hrefFor = (n: number): string => {
    const query = new URLSearchParams(ctx.rawQuery);
    query.set('page', String(n));
    query.set('items_per_page', String(page.perPage));
    return `${ctx.path}?${query.toString()}`;
  };
  const link = (n: number): unknown => (behaviour.paginationLinks === 'openapi'
    ? `${ctx.baseUrl}${hrefFor(n)}`
    : { href: hrefFor(n), rel, type: 'GET' });
  const links: Record<string, unknown> = {};
  if (page.page < page.totalPages) links.next_page = link(page.page + 1);
  if (page.page > 1) links.prev_page = link(page.page - 1);
  if (behaviour.paginationLinks === 'reference') {
    links.first_page = link(1);
    links.last_page = link(Math.max(1, page.totalPages));
  }
  return links;
}

/** 002's /channels and /groups take no paging; 003's samples page them. Everything unless asked. */
export function optionallyPaged<T>(key: string, ctx: HandlerContext, all: T[], rel: string, behaviour: FreshchatBehaviour): HandlerResult {
  if (ctx.query.page === undefined && ctx.query.items_per_page === undefined) return { status: 200, body: { [key]: all } };
  const page = paginate(all, Number(ctx.query.page || 1), Number(ctx.query.items_per_page || 20));
  return { status: 200, body: { [key]: page.items, pagination: paginationOf(page), links: linksOf(ctx, page, rel, behaviour) } };
}
