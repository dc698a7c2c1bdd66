// GraphiQL keeps its tabs in localStorage and, on a later visit, opens those instead of the
// page's example tabs: an example would keep the ids of the visit that first opened it (gone
// after a reseed) and a signed-in customer's token that has since expired. Before GraphiQL
// starts, every stored tab that still holds an example's query, unedited, gets this page's
// variables and the default headers back (a run of it starts afresh); a tab whose query the
// visitor wrote or edited stays as it was.
// (Storage layout of graphiql 3.8 / @graphiql/react 0.28, pinned in package.json.)

export interface ExampleTab {
  name: string;
  query: string;
  variables?: string;
  note?: string;
}

const TABS_KEY = 'graphiql:tabState';
/** The active tab's editors, kept apart by GraphiQL; they must match that tab or it opens a copy as a new tab. */
const EDITOR_KEYS = { query: 'graphiql:query', variables: 'graphiql:variables', headers: 'graphiql:headers' } as const;

/** What the tab's query editor shows: its name, then any note, then the operations. */
export function tabQueryOf(example: ExampleTab): string {
  return `# ${example.name}\n${example.note ?? ''}${example.query}`;
}

interface StoredTab {
  query?: string | null;
  variables?: string | null;
  headers?: string | null;
}

export function refreshStoredExampleTabs(storage: Storage, examples: ExampleTab[], defaultHeaders: string | undefined): void {
  let state: { tabs?: unknown; activeTabIndex?: unknown };
  try {
    state = JSON.parse(storage.getItem(TABS_KEY) ?? 'null') as typeof state;
  } catch {
    return;
  }
  if (!state || !Array.isArray(state.tabs)) return;
  const tabs = state.tabs as StoredTab[];
  let changed = false;
  for (const tab of tabs) {
    const query = tab.query;
    if (typeof query !== 'string') continue;
    const example = examples.find((e) => query.startsWith(`# ${e.name}\n`) && query.endsWith(`\n${e.query}`));
    if (!example) continue;
    tab.query = tabQueryOf(example);
    tab.variables = example.variables ?? null;
    tab.headers = defaultHeaders ?? null;
    changed = true;
  }
  if (!changed) return;
  storage.setItem(TABS_KEY, JSON.stringify(state));
  const active = tabs[typeof state.activeTabIndex === 'number' ? state.activeTabIndex : 0];
  if (active) {
    storage.setItem(EDITOR_KEYS.query, active.query ?? '');
    storage.setItem(EDITOR_KEYS.variables, active.variables ?? '');
    storage.setItem(EDITOR_KEYS.headers, active.headers ?? '');
  }
}
