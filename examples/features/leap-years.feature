Feature: Leap years
  Scenario Outline: A year is a leap year by the Gregorian rules
    When I ask whether <year> is a leap year
    Then the answer is <answer>

    Examples:
      | year | answer |
      | 2024 | yes    |
      | 2023 | no     |
      | 1900 | no     |
      | 2000 | yes    |
