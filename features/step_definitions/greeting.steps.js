const assert = require('node:assert/strict');
const { Given, When, Then } = require('@cucumber/cucumber');
const { printCard } = require('../support/domain');

Given('a card with the message:', function (message) {
  this.message = message;
});

When('the card is printed', async function () {
  this.printout = await printCard(this.message);
});

Then('the printout has {int} lines', function (count) {
  assert.equal(this.printout.length, count);
});

Then('the printout starts with {string}', function (first) {
  assert.equal(this.printout[0], first);
});
