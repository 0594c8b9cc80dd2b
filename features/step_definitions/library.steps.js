const assert = require('node:assert/strict');
const { Given, When, Then, Before } = require('@cucumber/cucumber');
const { Library } = require('../support/domain');

Before(function () {
  this.library = new Library();
});

Given('the library owns {string}', function (title) {
  this.library.own(title);
});

Given('{string} is a member', function (member) {
  this.library.join(member);
});

When('{string} borrows {string}', function (member, title) {
  this.library.borrow(member, title);
});

When('{string} tries to borrow {string}', function (member, title) {
  try {
    this.library.borrow(member, title);
  } catch (error) {
    this.refusal = error.message;
  }
});

When('{string} returns {string} at the kiosk', async function (member, title) {
  await this.library.returnAtKiosk(member, title);
});

Then('{string} is on loan to {string}', function (title, member) {
  assert.equal(this.library.holder(title), member);
});

Then('the loan is refused with {string}', function (message) {
  assert.equal(this.refusal, message);
});

Then('{string} is available', function (title) {
  assert.equal(this.library.holder(title), null);
});
