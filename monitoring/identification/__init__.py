"""ШНРО/ШНСУ identification: methods with criteria, the yearly list and its approval, the history
of each school and the dynamics of direction 1.2 for the identified schools."""
