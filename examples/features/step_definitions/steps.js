// Step definitions of the example suite. A real suite drives its own application here.
const assert = require('node:assert/strict');
const { When, Then } = require('@cucumber/cucumber');

When('I ask whether {int} is a leap year', function (year) {
  this.answer = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 'yes' : 'no';
});

When('I convert {int} °C to Fahrenheit', function (celsius) {
  this.answer = Math.round((celsius * 9) / 5 * 10 + 320) / 10;
});

When('I check {string}', function (word) {
  this.answer = [...word].reverse().join('') === word;
});

When('I write {int} in Roman numerals', function (number) {
  const numerals = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let rest = number;
  this.answer = numerals.map(([value, numeral]) => {
    const times = Math.floor(rest / value);
    rest -= times * value;
    return numeral.repeat(times);
  }).join('');
});

When('I play FizzBuzz up to {int}', function (last) {
  this.answer = Array.from({ length: last }, (_, i) => i + 1).map((n) => (n % 15 === 0 ? 'FizzBuzz' : n % 3 === 0 ? 'Fizz' : n % 5 === 0 ? 'Buzz' : String(n)));
});

Then('the answer is {word}', function (expected) {
  assert.equal(this.answer, expected);
});

Then('I get {float} °F', function (expected) {
  assert.equal(this.answer, expected);
});

Then('I get {string}', function (expected) {
  assert.equal(this.answer, expected);
});

Then('it is a palindrome', function () {
  assert.equal(this.answer, true);
});

Then('it is not a palindrome', function () {
  assert.equal(this.answer, false);
});

Then('the last three answers are {string}', function (expected) {
  assert.equal(this.answer.slice(-3).join(', '), expected);
});
