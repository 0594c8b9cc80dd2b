Feature: Calculator
  Scenario Outline: Basic arithmetic
    Given I enter <a> and <b>
    When I press "<operation>"
    Then the display shows <result>

    Examples:
      | a  | b | operation | result |
      | 2  | 3 | add       | 5      |
      | 10 | 4 | subtract  | 6      |
      | 6  | 7 | multiply  | 42     |
      | 9  | 3 | divide    | 3      |

  Scenario: Dividing by zero is refused
    Given I enter 1 and 0
    When I press "divide"
    Then the display shows "Error: division by zero"
