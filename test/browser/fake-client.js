// A stand-in of the platform client for the sidebar's browser test (test/browser/sidebar.test.ts),
// served in place of {{{appclient}}}. It plays window.__scenario: the placement, client.data,
// and queued answers per server method; it records what the sidebar asked in window.__log.
(function () {
  'use strict';
  const scenario = window.__scenario;
  const log = { invokes: [], notices: [], resizes: [] };
  const handlers = {};
  window.__log = log;
  window.__fire = function (name) {
    (handlers[name] || []).forEach(function (cb) {
      cb();
    });
  };
  const client = {
    events: {
      on: function (name, cb) {
        (handlers[name] = handlers[name] || []).push(cb);
        // the platform may fire app.activated at once, before or as the listener arrives
        if (name === 'app.activated' && scenario.activateOnRegister) cb();
      },
    },
    instance: {
      context: function () {
        return Promise.resolve({ location: scenario.placement });
      },
      resize: function (size) {
        log.resizes.push(size.height);
        return Promise.resolve();
      },
    },
    data: {
      get: function (name) {
        if (!(name in scenario.data)) return Promise.reject({ status: 404, message: 'no ' + name });
        const out = {};
        out[name] = scenario.data[name];
        return Promise.resolve(out);
      },
    },
    request: {
      invoke: function (name, args) {
        log.invokes.push({ name: name, args: args });
        const queue = scenario.answers[name] || [];
        const answer = queue.length > 1 ? queue.shift() : queue[0];
        if (!answer) return Promise.reject({ status: 404, message: 'no such method: ' + name });
        return new Promise(function (resolve, reject) {
          setTimeout(function () {
            if (answer.error) reject(answer.error);
            else resolve({ response: answer.response });
          }, 30);
        });
      },
    },
    interface: {
      trigger: function (name, options) {
        log.notices.push({ name: name, type: options.type, title: options.title, message: options.message });
        return Promise.resolve();
      },
    },
  };
  window.app = {
    initialized: function () {
      return Promise.resolve(client);
    },
  };
})();
