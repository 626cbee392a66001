"""conflictbot: answers questions about the war in Mali and the Sahel with cited passages."""
