// The stand-in of the platform client, served where app/index.html says {{{appclient}}}. It runs
// in the placement's frame and gives the app what the product would (docs/platform.md "Front
// end"): app.initialized(), client.events (app.activated; call.ended from the host page),
// client.instance.context/resize, client.data.get, client.request.invoke (server methods run by
// the local runtime as the placement's module), client.interface.trigger('showNotify') and
// client.iparams.get (no secure keys). Everything it is asked is reported to the host page
// (placement-page.ts) with postMessage, so the page can show notices, resize the frame and list
// the calls. This is tooling, not app code: it may use fetch.
(function () {
  interface Boot {
    context: { location: string; product: string; module: string };
    data: Record<string, Record<string, unknown>>;
    iparams: Record<string, unknown>;
  }
  type Handler = (event: { type: string; data?: unknown }) => void;

  const NOTIFY_TYPES = ['info', 'success', 'warning', 'danger', 'alert'];
  const MAX_HEIGHT = 700;
  const params = new URLSearchParams(location.search);
  const placement = params.get('placement') || '';
  const id = params.get('id') || '';
  const base = '/_local/placement/' + encodeURIComponent(placement);
  const handlers: Record<string, Handler[]> = {};
  let activated = false;
  let activating = false;

  function report(type: string, detail: unknown): void {
    if (window.parent !== window) window.parent.postMessage({ source: 'appclient', type: type, detail: detail }, location.origin);
  }

  function fail(status: number, message: string): Promise<never> {
    report('problem', message);
    return Promise.reject({ status: status, message: message });
  }

  async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
    const response = await fetch(url, init);
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw { status: response.status, message: String(body.message || body.error || response.statusText) };
    return body;
  }

  const boot: Promise<Boot> = getJson(base + '/boot?id=' + encodeURIComponent(id)).then((b) => b as unknown as Boot);

  function fire(name: string, data?: unknown): void {
    const list = handlers[name] || [];
    report('event', { name: name, listeners: list.length });
    for (const handler of list) handler({ type: name, data: data });
  }

  function showNotify(options: unknown): Promise<unknown> {
    const o = (options || {}) as { type?: unknown; title?: unknown; message?: unknown };
    if (typeof o.type !== 'string' || NOTIFY_TYPES.indexOf(o.type) < 0) {
      return fail(400, "showNotify: type must be one of " + NOTIFY_TYPES.join(', ') + ', got ' + JSON.stringify(o.type));
    }
    if (typeof o.message !== 'string' || o.message === '') return fail(400, 'showNotify: a message (string) is required');
    const title = typeof o.title === 'string' ? o.title : '';
    if (title.length > 30) report('problem', 'showNotify: the title has ' + title.length + ' characters; the platform cuts it at 30');
    if (o.message.length > 100) report('problem', 'showNotify: the message has ' + o.message.length + ' characters; the platform cuts it at 100');
    report('notify', { type: o.type, title: title.slice(0, 30), message: o.message.slice(0, 100) });
    return Promise.resolve({ success: true });
  }

  const client = {
    events: {
      on: function (name: string, handler: Handler): void {
        if (typeof handler !== 'function') {
          report('problem', "client.events.on('" + name + "') without a callback");
          return;
        }
        (handlers[name] = handlers[name] || []).push(handler);
        if (name === 'app.activated' && activated) {
          report('problem', 'app.activated was registered after it fired: the app missed its activation');
        }
      },
    },
    instance: {
      context: function (): Promise<Boot['context']> {
        return boot.then((b) => b.context);
      },
      resize: function (options: unknown): Promise<unknown> {
        const o = (options || {}) as { height?: unknown };
        const match = typeof o.height === 'string' ? /^(\d+(?:\.\d+)?)px$/.exec(o.height) : null;
        if (!match) return fail(400, "client.instance.resize: height must be a string like '400px', got " + JSON.stringify(o.height));
        let height = Number(match[1]);
        if (height > MAX_HEIGHT) {
          report('problem', 'client.instance.resize: ' + height + 'px is over the ' + MAX_HEIGHT + 'px a placement may have');
          height = MAX_HEIGHT;
        }
        report('resize', { height: height });
        return Promise.resolve({ success: true });
      },
    },
    data: {
      get: function (name: string): Promise<unknown> {
        return boot.then((b) => {
          const value = b.data[name];
          if (!value) return fail(404, "client.data.get('" + name + "'): " + b.context.location + ' has ' + Object.keys(b.data).join(', '));
          report('data', name);
          return JSON.parse(JSON.stringify(value)) as unknown;
        });
      },
    },
    request: {
      invoke: async function (name: string, args?: unknown): Promise<{ response: unknown }> {
        const body = await getJson(base + '/invoke', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: name, args: args === undefined ? {} : args }),
        }).catch((err: { status?: number; message?: string }) => ({ ok: false, status: err.status || 500, message: err.message || 'request failed' }) as Record<string, unknown>);
        report('invoke', { name: name, ok: body.ok, status: body.status || 200, account: body.account || '' });
        if (body.ok) return { response: body.response };
        throw { status: body.status, message: body.message };
      },
    },
    interface: {
      trigger: function (action: string, options?: unknown): Promise<unknown> {
        if (action === 'showNotify') return showNotify(options);
        return fail(400, "client.interface.trigger('" + action + "') is not simulated locally");
      },
    },
    iparams: {
      get: function (key?: string): Promise<unknown> {
        return boot.then((b) => (key === undefined ? Object.assign({}, b.iparams) : { [key]: b.iparams[key] }));
      },
    },
  };

  window.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as { source?: string; type?: string; name?: string; data?: unknown } | null;
    if (event.origin !== location.origin || !message || message.source !== 'host' || message.type !== 'event') return;
    fire(String(message.name), message.data);
  });

  (window as unknown as { app: unknown }).app = {
    initialized: function (): Promise<typeof client> {
      return boot.then((b) => {
        report('initialized', b.context);
        // The product activates the app once it is shown, after initialized() has resolved: an
        // app that registers app.activated later than its initialized callback misses it.
        if (!activating) {
          activating = true;
          setTimeout(() => {
            activated = true;
            fire('app.activated');
          }, 0);
        }
        return client;
      }, (err: { message?: string }) => fail(500, 'app.initialized: ' + (err.message || String(err))));
    },
  };
})();
