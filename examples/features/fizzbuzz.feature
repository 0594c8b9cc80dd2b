Feature: FizzBuzz
  Scenario: The first fifteen
    When I play FizzBuzz up to 15
    Then the last three answers are "13, 14, FizzBuzz"
