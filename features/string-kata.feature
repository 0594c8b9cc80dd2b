Feature: String calculator kata
  Scenario Outline: Adding numbers in a string
    When I add the numbers in "<input>"
    Then the sum is <sum>

    Examples:
      | input   | sum |
      |         | 0   |
      | 1       | 1   |
      | 1,2     | 3   |
      | 1\n2,3  | 6   |
      | 4,5,6,7 | 22  |
