"""ASR evaluation: the text normalisation transcripts and their truth are compared under."""
