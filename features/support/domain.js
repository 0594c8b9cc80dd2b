// Tiny domain code the example features exercise. A real suite would test its own application instead.
class Basket {
  constructor(catalogue) {
    this.catalogue = catalogue;
    this.lines = new Map();
  }
  add(product, count) {
    if (!this.catalogue.has(product)) throw new Error(`unknown product ${product}`);
    this.lines.set(product, (this.lines.get(product) ?? 0) + count);
  }
  remove(product, count) {
    this.lines.set(product, Math.max(0, (this.lines.get(product) ?? 0) - count));
  }
  total() {
    let cents = 0;
    for (const [product, count] of this.lines) cents += Math.round(this.catalogue.get(product) * 100) * count;
    return (cents / 100).toFixed(2);
  }
}

const operations = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => {
    if (b === 0) throw new Error('division by zero');
    return a / b;
  },
};

class Library {
  constructor() {
    this.books = new Map();
    this.members = new Set();
  }
  own(title) {
    this.books.set(title, null);
  }
  join(member) {
    this.members.add(member);
  }
  borrow(member, title) {
    if (!this.members.has(member)) throw new Error(`${member} is not a member`);
    if (!this.books.has(title)) throw new Error(`the library does not own ${title}`);
    if (this.books.get(title) !== null) throw new Error(`${title} is on loan`);
    this.books.set(title, member);
  }
  giveBack(member, title) {
    if (this.books.get(title) !== member) throw new Error(`${member} does not have ${title}`);
    this.books.set(title, null);
  }
  holder(title) {
    return this.books.get(title);
  }
  /** The self-service returns kiosk scans the book first, which takes a moment. */
  async returnAtKiosk(member, title) {
    await sleep(250);
    this.giveBack(member, title);
  }
}

function addNumbers(input) {
  if (input === '') return 0;
  return input.split(/[,\n]/).reduce((sum, part) => sum + Number(part), 0);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A payment provider that answers after a delay, like a real one over the network. */
async function pay(approve, delayMs) {
  await sleep(delayMs);
  return approve;
}

/** A card printer: it takes its time and hands back the printed lines. */
async function printCard(message) {
  await sleep(300);
  return message.split('\n');
}

module.exports = { Basket, operations, Library, addNumbers, pay, printCard };
