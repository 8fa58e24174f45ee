export interface Page<T> {
  items: T[];
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
}

export function paginate<T>(all: T[], page: number, perPage: number): Page<T> {
  const start = (page - 1) * perPage;
  return {
    items: all.slice(start, start + perPage),
    page,
    perPage,
    totalItems: all.length,
    totalPages: Math.ceil(all.length / perPage),
  };
}
