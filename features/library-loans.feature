Feature: Library loans
  Members borrow books; a book out on loan cannot be borrowed again until it is returned.

  Scenario: Borrowing an available book
    Given the library owns "Dune"
    And "ada" is a member
    When "ada" borrows "Dune"
    Then "Dune" is on loan to "ada"

  Scenario: A book on loan is not available
    Given the library owns "Dune"
    And "ada" is a member
    And "alan" is a member
    And "ada" borrows "Dune"
    When "alan" tries to borrow "Dune"
    Then the loan is refused with "Dune is on loan"

  Scenario: Returning makes a book available again
    Given the library owns "Dune"
    And "ada" is a member
    And "ada" borrows "Dune"
    When "ada" returns "Dune" at the kiosk
    Then "Dune" is available
