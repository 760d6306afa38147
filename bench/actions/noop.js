// The benchmark's action: registered through the normal actions folder, does nothing, so the
// measurement is the server's own cost (read, parse, validate, run, answer, log).
'use strict';
const { defineAction } = require('../../dist/src/sdk');

module.exports = defineAction({ name: 'action_noop', run() {} });
